// bottleneck/light.js (the build @octokit/plugin-throttling uses) ships no types of its own; it is
// the same class as the package's main export.
declare module 'bottleneck/light.js' {
  import Bottleneck from 'bottleneck';
  export default Bottleneck;
}
