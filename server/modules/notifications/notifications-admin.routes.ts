import express, { type Router } from 'express';
import { requireRole } from '../accounts';
import { translate, type Language } from '../../rendering/i18n';
import type { NotificationsAdminService } from './notifications-admin.service';

/** GET /admin/notifications: Zalo and mail that did not go out as planned (read-only). */
export function notificationsAdminRoutes(notifications: NotificationsAdminService): Router {
  const router = express.Router();
  router.get('/admin/notifications', requireRole('admin'), async (req, res) => {
    const trouble = await notifications.trouble(req.user!);
    res.render('notifications/admin', { title: translate(res.locals.lang as Language, 'notify.admin.title'), ...trouble });
  });
  return router;
}
