/** Errors a service may throw; the error middleware maps each to its status and page. */
export class AppError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class NotFoundError extends AppError {
  constructor(message = 'Không tìm thấy trang bạn cần.') {
    super(message, 404, 'not_found');
  }
}

export class ForbiddenError extends AppError {
  constructor(message = 'Bạn không có quyền truy cập trang này.') {
    super(message, 403, 'forbidden');
  }
}

export class ConflictError extends AppError {
  constructor(message: string, code = 'conflict') {
    super(message, 409, code);
  }
}

/** Field messages keyed by form field name, shown next to each field. */
export type FieldErrors = Record<string, string>;

export class ValidationError extends AppError {
  constructor(
    readonly fieldErrors: FieldErrors,
    message = 'Vui lòng kiểm tra lại thông tin.',
  ) {
    super(message, 422, 'validation');
  }
}
