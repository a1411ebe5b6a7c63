/**
 * Words for generated articles, most frequent first: the seed picks word i with a skewed (Zipf-like)
 * probability, so a few words occur in almost every article, most in some, and the tail in few — the mix a
 * real corpus gives full-text search (common terms match tens of thousands of rows, rare ones a handful).
 */
export const VOCABULARY = `
the of and to in is that for it as with was on be by this are from at or an have not they which
one you were all we when there can more has been if their also new its time would about other into
people first how some these two may then only could like over after use such most make where way years
city water system world data team market report service company government public research project music
health energy school policy growth design family history science network support season player game
business technology software program product customer account security release update feature version
garden kitchen travel museum harbour bridge river mountain forest island village station airport
coffee bread cheese tomato pepper garlic onion lemon orange apple cherry olive salmon chicken butter
weather rain snow storm wind summer winter spring autumn morning evening night weekend holiday festival
football tennis cycling marathon swimming climbing sailing skiing rowing chess concert theatre cinema
painting sculpture poetry novel author editor reader library archive gallery studio camera photo
engine battery vehicle railway tram ferry bicycle scooter parking traffic highway tunnel runway
election council minister budget tax law court judge jury police border treaty summit embassy trade
vaccine hospital doctor nurse patient clinic therapy diet exercise sleep stress vitamin protein
satellite rocket planet galaxy telescope orbit comet asteroid eclipse gravity quantum laser neutron
database server cluster kernel compiler browser protocol firewall encryption password backup cache
startup investor funding revenue profit merger auction invoice payroll pension mortgage inflation
ocean glacier volcano desert canyon valley meadow wetland reef lagoon delta plateau prairie tundra
wolf eagle salmon bee butterfly whale dolphin penguin tiger elephant giraffe falcon otter beaver
recipe festival parade carnival lantern fireworks orchestra choir ballet opera jazz blues reggae
violin piano guitar trumpet drum cello flute harp saxophone clarinet accordion banjo mandolin ukulele
lighthouse windmill castle cathedral monastery palace fortress pavilion observatory aqueduct viaduct
`
  .trim()
  .split(/\s+/);

/** The long tail: each article gets one of these with a small probability, so each occurs in about a hundred. */
export const RARE_WORDS = `
kumquat quince persimmon rhubarb parsnip artichoke fennel kohlrabi tamarind lychee rambutan durian
zeppelin gondola catamaran trireme galleon schooner hovercraft funicular monorail dirigible
`
  .trim()
  .split(/\s+/);

/** Queries a reader or editor might type, from very common to rare, in web-search syntax. */
export const SEARCH_QUERIES = [
  'market',
  'water report',
  'garden tomato',
  'festival',
  'security update',
  '"public service"',
  'cycling or marathon',
  'lighthouse',
  'harbour -bridge',
  'kumquat',
  'zeppelin gondola',
  'quantum telescope',
  'opera',
  'database backup',
  'volcano',
  'software release',
];
