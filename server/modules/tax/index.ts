export * from './withholding-rules';
