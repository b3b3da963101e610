/**
 * NAPAS VietQR (EMVCo merchant-presented QR) for a bank transfer: tags 00, 01, 38, 53, 54, 58, 62, 63.
 * Any Vietnamese banking app that scans it pre-fills the bank, account, amount and transfer content.
 */

/** CRC-16/CCITT-FALSE: poly 0x1021, init 0xFFFF, no reflection, no final xor ("123456789" → 29B1). */
export function crc16CcittFalse(input: string): string {
  let crc = 0xffff;
  for (const byte of Buffer.from(input, 'utf8')) {
    crc ^= byte << 8;
    for (let i = 0; i < 8; i++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc.toString(16).toUpperCase().padStart(4, '0');
}

function tlv(tag: string, value: string): string {
  if (value.length > 99) throw new Error(`EMV field ${tag} too long`);
  return `${tag}${String(value.length).padStart(2, '0')}${value}`;
}

export interface VietQrInput {
  bankBin: string;
  accountNo: string;
  amountVnd: number;
  /** Transfer content: we put the order code, which the bank feed then carries back to us. */
  purpose: string;
}

export function vietQrPayload(input: VietQrInput): string {
  if (!/^\d{6}$/.test(input.bankBin)) throw new Error('bank BIN must be 6 digits');
  if (!/^[0-9A-Za-z]{1,19}$/.test(input.accountNo)) throw new Error('invalid account number');
  if (!Number.isSafeInteger(input.amountVnd) || input.amountVnd <= 0) throw new Error('amount must be a positive whole number of đồng');
  // Only plain ASCII letters, digits and spaces survive every bank's transfer-content field.
  const purpose = input.purpose.replace(/[^A-Za-z0-9 -]/g, '').slice(0, 25);
  const merchant = tlv('00', 'A000000727') + tlv('01', tlv('00', input.bankBin) + tlv('01', input.accountNo)) + tlv('02', 'QRIBFTTA');
  const body =
    tlv('00', '01') +
    tlv('01', '12') +
    tlv('38', merchant) +
    tlv('53', '704') +
    tlv('54', String(input.amountVnd)) +
    tlv('58', 'VN') +
    tlv('62', tlv('08', purpose)) +
    '6304';
  return body + crc16CcittFalse(body);
}

/** Reads an EMV TLV string into tag → value (nested fields are parsed by calling it again). */
export function parseTlv(payload: string): Map<string, string> {
  const fields = new Map<string, string>();
  let i = 0;
  while (i < payload.length) {
    const tag = payload.slice(i, i + 2);
    const length = Number(payload.slice(i + 2, i + 4));
    if (!/^\d{2}$/.test(tag) || !Number.isInteger(length)) throw new Error(`bad TLV at ${i}`);
    fields.set(tag, payload.slice(i + 4, i + 4 + length));
    i += 4 + length;
  }
  return fields;
}
