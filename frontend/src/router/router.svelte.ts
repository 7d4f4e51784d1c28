import { matchRoute, type Route } from './routes';

/** Holds the current path and the screen it names; the History API is wired in App. */
export class Router {
  path: string = $state('/');
  readonly route: Route = $derived(matchRoute(this.path));

  constructor(path: string) {
    this.path = path;
  }
}
