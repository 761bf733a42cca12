declare module 'markdown-it-abbr' {
  import type { PluginSimple } from 'markdown-it';
  const abbr: PluginSimple;
  export default abbr;
}
