import type { Route } from '../router.js';
import { checkRunRoutes } from './checks.js';
import { commitRoutes } from './commits.js';
import { deploymentStatusRoutes } from './deployment-statuses.js';
import { deploymentRoutes } from './deployments.js';
import { environmentRoutes } from './environments.js';
import { issueRoutes } from './issues.js';
import { repositoryRoutes } from './repository.js';

/** Every endpoint the simulator implements. */
export const allRoutes: Route[] = [
  ...deploymentRoutes, ...deploymentStatusRoutes, ...environmentRoutes, ...issueRoutes, ...commitRoutes, ...checkRunRoutes, ...repositoryRoutes,
];
