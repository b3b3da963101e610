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

const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * A real calendar day written YYYY-MM-DD (2026-02-30 is not one), between 2000 and 2100: what a
 * date field may hold before it reaches PostgreSQL (which refuses year 0 and day 30 of February).
 */
export function isCalendarDay(value: string): boolean {
  const m = ISO_DAY.exec(value);
  if (!m) return false;
  const year = Number(m[1]);
  if (year < 2000 || year > 2100) return false;
  return new Date(Date.UTC(year, Number(m[2]) - 1, Number(m[3]))).toISOString().slice(0, 10) === value;
}

// Building an Intl formatter is costly (it showed up at 10 % of a product page's CPU): build each once.
const isoDayFormat = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Ho_Chi_Minh' });

let lastDay = { second: NaN, day: '' };

/** Today's calendar date in Vietnam as YYYY-MM-DD. */
export function todayInVietnam(now: Date): string {
  // A page asks once per product card; the date can only change on a whole second.
  const second = Math.floor(now.getTime() / 1000);
  if (second !== lastDay.second) lastDay = { second, day: isoDayFormat.format(now) };
  return lastDay.day;
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
