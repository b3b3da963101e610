export { AccountsService, LoginFailedError } from './accounts.service';
export { accountsRoutes, homeFor } from './accounts.routes';
export { LoginThrottle, TooManyAttemptsError } from './login-throttle';
export { User, type UserRole } from './user.entity';
export type { Actor, SessionUser } from './actor';
export { registerSchema, emailSchema, phoneSchema, fullNameSchema } from './accounts.schemas';
export { passwordSchema } from './password';
