/** Vietnamese banks by NAPAS BIN (the code VietQR uses), for payout details. */
export const BANKS: readonly { bin: string; name: string }[] = Object.freeze([
  { bin: '970405', name: 'Agribank' },
  { bin: '970436', name: 'Vietcombank' },
  { bin: '970415', name: 'VietinBank' },
  { bin: '970418', name: 'BIDV' },
  { bin: '970422', name: 'MB Bank' },
  { bin: '970407', name: 'Techcombank' },
  { bin: '970416', name: 'ACB' },
  { bin: '970432', name: 'VPBank' },
  { bin: '970423', name: 'TPBank' },
  { bin: '970403', name: 'Sacombank' },
  { bin: '970437', name: 'HDBank' },
  { bin: '970441', name: 'VIB' },
  { bin: '970443', name: 'SHB' },
  { bin: '970449', name: 'LPBank' },
  { bin: '970448', name: 'OCB' },
  { bin: '970426', name: 'MSB' },
  { bin: '970440', name: 'SeABank' },
  { bin: '970431', name: 'Eximbank' },
]);

const byBin = new Map(BANKS.map((b) => [b.bin, b.name]));
export function bankName(bin: string | null | undefined): string | null {
  return bin ? (byBin.get(bin) ?? null) : null;
}
