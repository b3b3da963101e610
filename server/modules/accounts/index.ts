export { AccountsService, LoginFailedError } from './accounts.service';
export { accountsRoutes, homeFor } from './accounts.routes';
export { loadCurrentUser, requireRole, requireSignedIn } from './auth.middleware';
export { LoginThrottle, TooManyAttemptsError } from './login-throttle';
export { User, type UserRole } from './user.entity';
export { assertAdmin, type Actor, type SessionUser } from './actor';
export { registerSchema, emailSchema, phoneSchema, fullNameSchema } from './accounts.schemas';
export { passwordSchema } from './password';
