import { chart } from './chart';
import { concat } from './concat';
import { eq } from './eq';
import { formatDate } from './format-date';
import { formatDateTime } from './format-date-time';
import { formatRating } from './format-rating';
import { formatVnd } from './format-vnd';
import { gt } from './gt';
import { inc } from './inc';
import { localize } from './localize';
import { or } from './or';
import { stars } from './stars';
import { t } from './t';

export const helpers = { chart, concat, eq, formatDate, formatDateTime, formatRating, formatVnd, gt, inc, localize, or, stars, t };
