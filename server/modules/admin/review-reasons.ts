import { translate, type Language, type MessageKey } from '../../rendering/i18n';
import { vi } from '../../rendering/locales/vi';

/*
 * Why an order needs review or a payment was flagged, why a refund was made, what the system noted
 * in an order's history: the payments and orders modules store these as Vietnamese text (the audit
 * trail and the orders CSV keep it as written). The admin's pages show the ones they recognise in the
 * reader's language; anything else (an admin's own words) as it is. Several reasons on one order are
 * joined by "; ".
 */

const CURRENCY = /^tiền tệ (\S+)$/;

/** Texts stored as a key's Vietnamese wording (a refund's reason, an order-history note), read back as that key. */
const STORED_AS_VIETNAMESE: MessageKey[] = [
  'admin.reason.adminRefund',
  'admin.reason.partCancelled',
  'order.note.sellerSuspended',
  'admin.reason.sellerSuspended',
];
const storedPatterns = STORED_AS_VIETNAMESE.map((key) => {
  const names: string[] = [];
  const source = vi[key].replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{(\w+)\}/g, (_, name: string) => {
    names.push(name);
    return '(.*)';
  });
  return { key, names, pattern: new RegExp(`^${source}$`) };
});

function oneReason(lang: Language, reason: string): string {
  const t = (key: Parameters<typeof translate>[1], params?: Record<string, unknown>) => translate(lang, key, params);
  switch (reason) {
    case 'Không tìm thấy đơn hàng cho khoản thanh toán này':
      return t('admin.reason.noOrder');
    case 'Thanh toán đến sau khi hết hạn và hàng đã hết':
      return t('admin.reason.lateSoldOut');
    case 'Thanh toán trùng cho đơn đã thanh toán':
      return t('admin.reason.duplicate');
    case 'Thanh toán cho đơn có hợp tác xã đang bị tạm ngừng: xem xét hoàn tiền':
      return t('admin.reason.paidSuspended');
  }
  const mismatch = /^Số tiền không khớp \((.+)\): nhận (-?\d+), đơn (-?\d+)$/.exec(reason);
  if (mismatch) {
    const [, what, received, total] = mismatch;
    const currency = CURRENCY.exec(what);
    const kind = currency
      ? t('admin.reason.currency', { currency: currency[1] })
      : what === 'thiếu tiền'
        ? t('admin.reason.short')
        : what === 'thừa tiền'
          ? t('admin.reason.over')
          : what;
    return t('admin.reason.mismatch', { kind, received, total });
  }
  for (const { key, names, pattern } of storedPatterns) {
    const match = pattern.exec(reason);
    if (match) return t(key, Object.fromEntries(names.map((name, i) => [name, match[i + 1]])));
  }
  return reason;
}

/** A stored review or flag reason in `lang` (Vietnamese: unchanged). */
export function reviewReasonText(lang: Language, text: string | null | undefined): string | null {
  if (!text || lang === 'vi') return text ?? null;
  return text
    .split('; ')
    .map((reason) => oneReason(lang, reason))
    .join('; ');
}
