import { InitialSchema1764170000000 } from './1764170000000-InitialSchema';
import { AccountsAndModeration1764180000000 } from './1764180000000-AccountsAndModeration';
import { SellerCatalogue1764190000000 } from './1764190000000-SellerCatalogue';
import { CartsAndOrders1764200000000 } from './1764200000000-CartsAndOrders';
import { Payments1764210000000 } from './1764210000000-Payments';
import { PayoutsAndModeration1764220000000 } from './1764220000000-PayoutsAndModeration';
import { OcopClaimVersion1764233000000 } from './1764233000000-OcopClaimVersion';
import { MoneyAsBigint1764240000000 } from './1764240000000-MoneyAsBigint';
import { CardPaymentWindow1764250000000 } from './1764250000000-CardPaymentWindow';
import { TaxWithholding1764260000000 } from './1764260000000-TaxWithholding';
import { MarketDays1764300000000 } from './1764300000000-MarketDays';
import { DigitalTeams1764400000000 } from './1764400000000-DigitalTeams';
import { PhoneSignIn1764410000000 } from './1764410000000-PhoneSignIn';
import { TrustAndSupply1764500000000 } from './1764500000000-TrustAndSupply';
import { ShippingFees1764600000000 } from './1764600000000-ShippingFees';
import { ZaloNotifications1764610000000 } from './1764610000000-ZaloNotifications';
import { UserLanguage1764620000000 } from './1764620000000-UserLanguage';
import { ColdSearch1764700000000 } from './1764700000000-ColdSearch';
import { SearchWords1764810000000 } from './1764810000000-SearchWords';
import { SessionsEndedAt1764820000000 } from './1764820000000-SessionsEndedAt';

/** Every migration, in order. Listed explicitly so compiled and ts-jest runs load the same classes. */
export const migrations = [
  InitialSchema1764170000000,
  AccountsAndModeration1764180000000,
  SellerCatalogue1764190000000,
  CartsAndOrders1764200000000,
  Payments1764210000000,
  PayoutsAndModeration1764220000000,
  OcopClaimVersion1764233000000,
  MoneyAsBigint1764240000000,
  CardPaymentWindow1764250000000,
  TaxWithholding1764260000000,
  MarketDays1764300000000,
  DigitalTeams1764400000000,
  PhoneSignIn1764410000000,
  TrustAndSupply1764500000000,
  ShippingFees1764600000000,
  ZaloNotifications1764610000000,
  UserLanguage1764620000000,
  ColdSearch1764700000000,
  SearchWords1764810000000,
  SessionsEndedAt1764820000000,
];
