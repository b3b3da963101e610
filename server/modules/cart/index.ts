export { CartService, assertWithinOrderLimit, shippingFee, type CartOwner, type CartView } from './cart.service';
export { cartRoutes, cartMiddleware, cartOwner } from './cart.routes';
