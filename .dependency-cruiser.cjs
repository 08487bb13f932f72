/** @type {import('dependency-cruiser').IConfiguration} */
// The layers, bottom up (docs/architecture.md tells why):
//   contracts  config, logger, log context, redis/, customers/, checkout/ (the
//              port), queue/ (payloads, producers), the notice and sender
//              contracts, http/paths.ts: what everyone above shares
//   domain     catalog/, seats/, orders/, upgrades/, tickets/, notifications/, staff/
//   dialogs/   conversations, over the domain
//   adapters   bot/, channels/, payments/, http/, jobs/: SDKs, routes, workers
//   roles/     composition roots (with observability/, which wraps services
//              for metrics), main.ts and cli/
const CONTRACTS =
  '^src/(customers/|checkout/|queue/|redis/|notifications/(customer-notice|message\\.sender)\\.ts$|http/paths\\.ts$|log-context\\.ts$|logger\\.ts$|config\\.ts$)';

module.exports = {
  forbidden: [
    {
      name: 'contracts-at-the-bottom',
      severity: 'error',
      comment: 'A shared contract sits below everyone who uses it: it imports other contracts and packages, nothing of the code built on it.',
      from: { path: CONTRACTS },
      to: { path: '^(src|dialogs)/', pathNot: CONTRACTS },
    },
    {
      name: 'domain-stays-below-adapters',
      severity: 'error',
      comment: 'orders, seats, catalog, upgrades and tickets are plain TypeScript over Redis and the checkout port: they never reach up into payments, channels, jobs, http or roles.',
      from: { path: '^src/(orders|seats|catalog|upgrades|tickets)/' },
      to: { path: '^src/(payments|channels|jobs|http|roles|observability|bot)/' },
    },
    {
      name: 'routes-and-jobs-wired-by-roles',
      severity: 'error',
      comment: 'A *.route.ts or *.job.ts is an entry point: only a role (or a test) imports it.',
      from: { path: '^(src|dialogs)/', pathNot: '^src/roles/' },
      to: { path: '\\.(route|job)\\.ts$' },
    },
    {
      name: 'dialogs-talk-to-commerce-only',
      severity: 'error',
      comment: 'Dialogs call the commerce layer; they never touch an SDK adapter, a channel, a job or a queue.',
      from: { path: '^dialogs/' },
      to: { path: '^src/(payments|channels|jobs|queue|http|roles|observability)/' },
    },
    {
      name: 'observability-wired-by-roles',
      severity: 'error',
      comment: 'Metrics wrap the services at the composition root; nothing else knows they are there.',
      from: { path: '^(src|dialogs)/', pathNot: '^src/(roles|observability)/' },
      to: { path: '^src/observability/' },
    },
    {
      name: 'dialogs-without-prompts',
      severity: 'error',
      comment: "botbuilder-dialogs' index loads the prompts and their recognizers-text tables (17 MB of heap for good): its parts come through dialogs/dialog-kit.ts.",
      from: { pathNot: '^dialogs/dialog-kit\\.ts$' },
      to: { path: '^node_modules/botbuilder-dialogs/' },
    },
    {
      name: 'dialog-kit-takes-only-types-from-the-index',
      severity: 'error',
      comment: 'A type import loads nothing; a value from the index would load the prompts after all.',
      from: { path: '^dialogs/dialog-kit\\.ts$' },
      to: { path: '^node_modules/botbuilder-dialogs/lib/index\\.', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'no-cycles',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^dist/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], extensions: ['.ts', '.js'] },
  },
};
