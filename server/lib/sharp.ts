import type Sharp from 'sharp';

let loaded: typeof Sharp | undefined;

/**
 * sharp, loaded on first use: libvips takes about 20 MB of memory that a store process serving pages
 * (most of them, most of the time) never needs.
 */
export function sharp(input: Sharp.SharpInput, options?: Sharp.SharpOptions): Sharp.Sharp {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a synchronous load on first use, not at import
  loaded ??= require('sharp') as typeof Sharp;
  return loaded(input, options);
}

export type SharpMetadata = Sharp.Metadata;
