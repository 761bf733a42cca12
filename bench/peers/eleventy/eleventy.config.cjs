// Eleventy with the x-govuk plugin, set up as its documentation describes for a site of
// Markdown pages with GOV.UK styles. Each generated project gets a copy (bench/lib/peers.ts).
const govukEleventyPlugin = require('@x-govuk/govuk-eleventy-plugin')

module.exports = function (eleventyConfig) {
  eleventyConfig.addPlugin(govukEleventyPlugin, {
    header: { productName: 'Get into Teaching' },
    titleSuffix: 'Get into Teaching'
  })
  return {
    dataTemplateEngine: 'njk',
    htmlTemplateEngine: 'njk',
    markdownTemplateEngine: 'njk',
    dir: {
      input: '.',
      // Set here as well as by --output: Eleventy 2 tells the plugin's asset step (its
      // eleventy.after event) the configured folder, not the command line's.
      output: process.env.ELEVENTY_OUTPUT_DIR || '_site',
      // The plugin's layouts (page, base…), from the project's node_modules.
      layouts: 'node_modules/@x-govuk/govuk-eleventy-plugin/layouts'
    }
  }
}
