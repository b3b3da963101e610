export { TeamsService, type TeamMembership, type TeamHousehold, type TeamSummary } from './teams.service';
export { teamAdminRoutes, teamMemberRoutes } from './teams.routes';
export { actingRoutes, loadActingContext } from './acting.routes';
