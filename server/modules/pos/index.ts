export { PosService } from './pos.service';
export { posRoutes, receiptRoutes } from './pos.routes';
