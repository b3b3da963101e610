export { ReviewsService, reviewerName, EDIT_WINDOW_DAYS, type ProductReviewsPage, type PublicReview } from './reviews.service';
export { reviewRoutes, orderItemReviews, productReviews } from './reviews.routes';
