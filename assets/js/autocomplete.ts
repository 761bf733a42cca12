// The pages with look-ups load this one bundle: the finders' place look-up and the
// application's country lists share the accessible autocomplete and its styles.
import './place-autocomplete.ts';
import './country-autocomplete.ts';
