export { TraceabilityService, type BatchChoice, type BatchView, type ShipmentItem, type TraceView } from './traceability.service';
export { sellerBatchRoutes, traceRoutes } from './traceability.routes';
export { newTraceCode } from './trace-code';
