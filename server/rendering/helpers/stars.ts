import Handlebars from 'handlebars';

/** {{stars 4}} → four filled stars with an accessible label. */
export function stars(count: unknown): Handlebars.SafeString {
  const n = typeof count === 'number' ? Math.max(0, Math.min(5, Math.trunc(count))) : 0;
  return new Handlebars.SafeString(
    `<span class="stars" role="img" aria-label="${n} sao">${'★'.repeat(n)}<span class="stars-off">${'★'.repeat(5 - n)}</span></span>`,
  );
}
