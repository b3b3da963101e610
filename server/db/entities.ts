import { User } from '../modules/accounts/user.entity';
import { Category } from '../modules/catalog/category.entity';
import { Product } from '../modules/catalog/product.entity';
import { ProductImage } from '../modules/catalog/product-image.entity';
import { StockMovement } from '../modules/catalog/stock-movement.entity';
import { Seller } from '../modules/sellers/seller.entity';

export const entities = [User, Seller, Category, Product, ProductImage, StockMovement];
