export { ProductImportService, ImportFileError, ImportRowsError, type ImportSummary } from './product-import.service';
export { productImportRoutes } from './product-import.routes';
export { IMPORT_HEADERS, IMPORT_COLUMNS, MAX_IMPORT_BYTES, MAX_IMPORT_ROWS } from './product-import.csv';
