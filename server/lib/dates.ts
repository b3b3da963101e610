/** Dates are shown in Vietnam's time zone as 26/11/2026. */
const dateFormat = new Intl.DateTimeFormat('vi-VN', {
  timeZone: 'Asia/Ho_Chi_Minh',
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
});

export function formatDate(value: Date | string | null | undefined): string {
  if (!value) return '';
  // A bare "2024-12-01" is a calendar date, not an instant: show it as written.
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const [y, m, d] = value.split('-');
    return `${d}/${m}/${y}`;
  }
  return dateFormat.format(value instanceof Date ? value : new Date(value));
}

/** Today's calendar date in Vietnam as YYYY-MM-DD. */
export function todayInVietnam(now: Date): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Ho_Chi_Minh' }).format(now);
}

const dateTimeFormat = new Intl.DateTimeFormat('vi-VN', {
  timeZone: 'Asia/Ho_Chi_Minh',
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hour12: false,
});

/** 26/11/2026 14:05 in Vietnam's time zone. */
export function formatDateTime(value: Date | string): string {
  const parts = Object.fromEntries(dateTimeFormat.formatToParts(value instanceof Date ? value : new Date(value)).map((p) => [p.type, p.value]));
  return `${parts.day}/${parts.month}/${parts.year} ${parts.hour}:${parts.minute}`;
}
