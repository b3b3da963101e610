/** {{#if (or a b)}} — true when any argument is truthy (the last argument is Handlebars' options). */
export function or(...args: unknown[]): boolean {
  return args.slice(0, -1).some(Boolean);
}
