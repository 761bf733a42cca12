/**
 * The hero header's colours: the original's `title_bg_color` and `hero_bg_color` took any
 * class name. Here only these names are read, each a GOV.UK palette colour with the text
 * colour that keeps WCAG AA contrast on it (checked in hero.test.ts). The stylesheet's
 * `$app-hero-colours` map (assets/scss/app.scss) gives each name its class.
 */
export const HERO_COLOURS = {
  white: { govuk: 'white', variant: null, hex: '#ffffff', text: 'dark' },
  grey: { govuk: 'black', variant: 'tint-95', hex: '#f3f3f3', text: 'dark' },
  yellow: { govuk: 'yellow', variant: 'primary', hex: '#ffdd00', text: 'dark' },
  'light-blue': { govuk: 'blue', variant: 'tint-80', hex: '#d2e2f1', text: 'dark' },
  blue: { govuk: 'blue', variant: 'primary', hex: '#1d70b8', text: 'light' },
  'light-purple': { govuk: 'purple', variant: 'tint-80', hex: '#ddd6ec', text: 'dark' },
  purple: { govuk: 'purple', variant: 'primary', hex: '#54319f', text: 'light' },
  pink: { govuk: 'magenta', variant: 'tint-80', hex: '#f4d7e5', text: 'dark' },
  green: { govuk: 'green', variant: 'primary', hex: '#0f7a52', text: 'light' },
  // The original site's own names, so its pages keep working.
  gitlilac: { govuk: 'purple', variant: 'tint-80', hex: '#ddd6ec', text: 'dark' },
  gitpurple: { govuk: 'purple', variant: 'primary', hex: '#54319f', text: 'light' },
} as const satisfies Record<string, { govuk: string; variant: string | null; hex: string; text: 'dark' | 'light' }>;

export type HeroColour = keyof typeof HERO_COLOURS;
export const HERO_COLOUR_NAMES = Object.keys(HERO_COLOURS) as HeroColour[];
export const isHeroColour = (name: string): name is HeroColour => Object.hasOwn(HERO_COLOURS, name);

/** The text colours the hero uses: GOV.UK's text colour and white. */
export const TEXT_HEX = { dark: '#0b0c0c', light: '#ffffff' } as const;

/** Defaults, as the original: a lilac title box on a grey hero. */
export const DEFAULT_TITLE_COLOUR: HeroColour = 'gitlilac';
export const DEFAULT_HERO_COLOUR: HeroColour = 'grey';

/** A subtitle_link: a path on this site (`/…`, not `//…`) or an https address. */
export const isHeroLink = (href: string): boolean =>
  /^\/(?!\/)\S*$/.test(href) || /^https:\/\/[^\s/?#]+\.[^\s/?#]+(?:[/?#]\S*)?$/.test(href);

/** WCAG 2 contrast ratio between two #rrggbb colours. */
export function contrastRatio(a: string, b: string): number {
  const luminance = (hex: string) => {
    const [r, g, bl] = [1, 3, 5].map((i) => {
      const c = parseInt(hex.slice(i, i + 2), 16) / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * bl!;
  };
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
}
