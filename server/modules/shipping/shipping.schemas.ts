import { z } from 'zod';
import { parseVnd } from '../../lib/money';
import { msg, type MessageKey } from '../../rendering/i18n';
import type { RateTable } from './shipping-fee';
import { ZONES, type Zone } from './zones';

const MAX_FEE_VND = 10_000_000;
const blank = (v: unknown) => typeof v === 'string' && v.trim() === '';

/** The messages of one kind of amount (message keys, shown in the reader's language). */
type AmountMessages = { required: MessageKey; format: MessageKey; max: MessageKey };
const FLAT_FEE: AmountMessages = { required: 'shipping.v.flatFee.required', format: 'shipping.v.flatFee.format', max: 'shipping.v.flatFee.max' };
const ZONE_FEE: AmountMessages = { required: 'shipping.v.fee.required', format: 'shipping.v.fee.format', max: 'shipping.v.fee.max' };
const THRESHOLD: AmountMessages = { required: 'shipping.v.threshold.format', format: 'shipping.v.threshold.format', max: 'shipping.v.threshold.max' };

/** An amount field: whole đồng ("30000", "30.000"), 0 … 10.000.000. */
const vnd = (messages: AmountMessages) =>
  z
    .string({ error: msg(messages.required) })
    .transform((v, ctx) => {
      const parsed = parseVnd(v);
      if (parsed === null) {
        ctx.addIssue({ code: 'custom', message: msg(messages.format) });
        return z.NEVER;
      }
      return parsed;
    })
    .pipe(z.number().max(MAX_FEE_VND, msg(messages.max)));

/** The three steps of a zone's row, as the form names them: `<zone>_500g`, `<zone>_1kg`, `<zone>_extraKg`. */
export const RATE_STEPS = [
  ['500g', 'upTo500gVnd'],
  ['1kg', 'upTo1kgVnd'],
  ['extraKg', 'perExtraKgVnd'],
] as const;
export const rateField = (zone: Zone, step: (typeof RATE_STEPS)[number][0]) => `${zone}_${step}`;

const rateFields = Object.fromEntries(ZONES.flatMap((zone) => RATE_STEPS.map(([step]) => [rateField(zone, step), z.string().optional()]))) as Record<
  string,
  z.ZodOptional<z.ZodString>
>;

/**
 * The seller's shipping form. `mode=flat` (also when absent, as the form was before zones): one fee
 * everywhere (`shippingFeeVnd`), the zone fields ignored. `mode=zones`: all twelve fees required, and
 * a heavier step never cheaper than the lighter one. The free-shipping threshold is optional in both.
 * Every field's message is reported at once.
 */
export const shippingTableSchema = z
  .object({
    mode: z.enum(['flat', 'zones'], { error: msg('shipping.v.mode') }).optional(),
    shippingFeeVnd: z.string().optional(),
    freeShippingThresholdVnd: z.string().optional(),
    ...rateFields,
  })
  .strict()
  .transform((v, ctx) => {
    const mode = v.mode ?? 'flat';
    const field = (name: string, messages: AmountMessages): number | undefined => {
      const raw = (v as Record<string, unknown>)[name];
      if (raw === undefined || blank(raw)) {
        ctx.addIssue({ code: 'custom', path: [name], message: msg(messages.required) });
        return undefined;
      }
      const parsed = vnd(messages).safeParse(raw);
      if (parsed.success) return parsed.data;
      ctx.addIssue({ code: 'custom', path: [name], message: parsed.error.issues[0].message });
      return undefined;
    };
    // Optional, and when given more than 0.
    let freeShippingThresholdVnd: number | undefined;
    let thresholdRefused = false;
    if (v.freeShippingThresholdVnd !== undefined && !blank(v.freeShippingThresholdVnd)) {
      const parsed = vnd(THRESHOLD)
        .pipe(z.number().min(1, msg('shipping.v.threshold.min')))
        .safeParse(v.freeShippingThresholdVnd);
      if (parsed.success) freeShippingThresholdVnd = parsed.data;
      else {
        thresholdRefused = true;
        ctx.addIssue({ code: 'custom', path: ['freeShippingThresholdVnd'], message: parsed.error.issues[0].message });
      }
    }
    if (mode === 'flat') {
      const shippingFeeVnd = field('shippingFeeVnd', FLAT_FEE);
      if (shippingFeeVnd === undefined || thresholdRefused) return z.NEVER;
      return { mode, shippingFeeVnd, freeShippingThresholdVnd, rates: null };
    }
    const rates = {} as RateTable;
    let complete = true;
    for (const zone of ZONES) {
      const row = { upTo500gVnd: 0, upTo1kgVnd: 0, perExtraKgVnd: 0 };
      for (const [step, key] of RATE_STEPS) {
        const value = field(rateField(zone, step), ZONE_FEE);
        if (value === undefined) complete = false;
        else row[key] = value;
      }
      if (complete && row.upTo1kgVnd < row.upTo500gVnd) {
        ctx.addIssue({ code: 'custom', path: [rateField(zone, '1kg')], message: msg('shipping.v.steps') });
        complete = false;
      }
      rates[zone] = row;
    }
    if (!complete || thresholdRefused) return z.NEVER;
    return { mode, shippingFeeVnd: undefined, freeShippingThresholdVnd, rates };
  });
export type ShippingTableInput = z.infer<typeof shippingTableSchema>;

const INT4_MAX = 2_147_483_647;

/** `GET /api/v1/shipping-quote`: every bad value is a 400 with a message (English, for developers), never a 500. */
export const quoteQuerySchema = z
  .object({
    productId: z
      .string({ error: 'productId is required.' })
      .regex(/^\d{1,10}$/, 'productId must be a positive whole number.')
      .transform(Number)
      .pipe(z.number().int().min(1, 'productId must be a positive whole number.').max(INT4_MAX, 'productId is too large.')),
    quantity: z
      .string()
      .regex(/^\d{1,4}$/, 'quantity must be a whole number from 1 to 1000.')
      .transform(Number)
      .pipe(z.number().int().min(1, 'quantity must be a whole number from 1 to 1000.').max(1000, 'quantity must be a whole number from 1 to 1000.'))
      .optional()
      .default(1),
    province: z.string({ error: 'province is required (a 2025 province name such as "Cà Mau", or its code).' }).max(100, 'province is too long.'),
    commune: z.string().max(100, 'commune is too long.').optional(),
  })
  .strict();
