import { concat } from './concat';
import { eq } from './eq';
import { formatDate } from './format-date';
import { formatVnd } from './format-vnd';
import { or } from './or';
import { stars } from './stars';
import { t } from './t';

export const helpers = { concat, eq, formatDate, formatVnd, or, stars, t };
