export { MarketDaysService, marketDayState, type MarketDay, type MarketDayState, type MarketDayView, type Stall } from './market-days.service';
export { marketDayPublicRoutes, marketDayAdminRoutes, marketDaySellerRoutes } from './market-days.routes';
export { vietnamLocalToDate, dateToVietnamLocal } from './market-days.schemas';
