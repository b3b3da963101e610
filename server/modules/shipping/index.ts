export {
  SHIPPING_COLUMNS,
  ShippingService,
  type Destination,
  type ParcelInput,
  type ParcelQuote,
  type ProductQuote,
  type ShippingRow,
} from './shipping.service';
export { sellerShippingRoutes, shippingPublicRoutes, productShipping, shipToProvince, accountShipTo, SHIP_TO_COOKIE } from './shipping.routes';
export { feeForWeight, parcelFee, type RateTable, type SellerShipping, type ZoneRate } from './shipping-fee';
export { ZONES, NORTHERN_PROVINCE_CODES, findProvince, zoneFor, type Zone, type Province } from './zones';
export { formatWeight } from './weight';
