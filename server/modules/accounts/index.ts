export { AccountsService, LoginFailedError } from './accounts.service';
export { accountsRoutes, homeFor } from './accounts.routes';
export { loadCurrentUser, requireRole, requireSignedIn } from './auth.middleware';
export { signUpHandler } from './sign-in';
export { LoginThrottle, TooManyAttemptsError } from './login-throttle';
export type { User, UserRole } from './user.entity';
export { assertAdmin, type Actor, type SessionUser } from './actor';
export { registerSchema, emailSchema, phoneSchema, fullNameSchema } from './accounts.schemas';
export { passwordSchema } from './password';
