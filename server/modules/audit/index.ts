export { AuditService, runOnBehalfOf, type AuditEntry, type AuditEntryInput } from './audit.service';
