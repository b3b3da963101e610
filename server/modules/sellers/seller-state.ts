import type { SellerStatus } from './seller.entity';

export const SELLER_DECISIONS = ['approve', 'reject', 'suspend', 'reinstate'] as const;
export type SellerDecision = (typeof SELLER_DECISIONS)[number];

/** Who may move a seller where. Anything not in this table is refused. */
export const SELLER_TRANSITIONS: Record<SellerDecision | 'resubmit', { from: readonly SellerStatus[]; to: SellerStatus; reasonRequired: boolean }> = {
  approve: { from: ['pending'], to: 'approved', reasonRequired: false },
  reject: { from: ['pending'], to: 'rejected', reasonRequired: true },
  suspend: { from: ['approved'], to: 'suspended', reasonRequired: true },
  reinstate: { from: ['suspended'], to: 'approved', reasonRequired: false },
  // The cooperative itself, after correcting a rejected application.
  resubmit: { from: ['rejected'], to: 'pending', reasonRequired: false },
};

export function allowedDecisions(status: SellerStatus): SellerDecision[] {
  return SELLER_DECISIONS.filter((d) => SELLER_TRANSITIONS[d].from.includes(status));
}

export const SELLER_STATUS_LABELS: Record<SellerStatus, string> = {
  pending: 'Chờ duyệt',
  approved: 'Đã duyệt',
  rejected: 'Bị từ chối',
  suspended: 'Tạm ngừng',
};

export const SELLER_TYPE_LABELS: Record<string, string> = {
  htx: 'Hợp tác xã',
  to_hop_tac: 'Tổ hợp tác',
  doanh_nghiep: 'Doanh nghiệp',
  ho_san_xuat: 'Hộ sản xuất',
};
