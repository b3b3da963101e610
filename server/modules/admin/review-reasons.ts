import { translate, type Language } from '../../rendering/i18n';

/*
 * Why an order needs review or a payment was flagged: the payments and orders modules store the
 * reason as Vietnamese text (the audit trail and the orders CSV keep it as written). The admin's
 * pages show the reasons they recognise in the reader's language; anything else (an admin's own
 * words) as it is. Several reasons on one order are joined by "; ".
 */

const CURRENCY = /^tiền tệ (\S+)$/;

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
  const suspended = /^Hợp tác xã “(.+)” bị tạm ngừng \((.*)\) khi phần đơn của họ chưa giao xong: liên hệ người mua, hoàn tiền nếu cần$/.exec(reason);
  if (suspended) return t('admin.reason.sellerSuspended', { name: suspended[1], reason: suspended[2] });
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
