export { AuditService, type AuditEntry, type AuditEntryInput } from './audit.service';
