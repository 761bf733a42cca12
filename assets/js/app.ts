// Progressive enhancement only: every journey works without this file.
import { Accordion, CharacterCount, Checkboxes, ErrorSummary, Radios, ServiceNavigation, SkipLink, createAll } from 'govuk-frontend';

createAll(SkipLink);
createAll(ServiceNavigation);
createAll(Radios);
createAll(Checkboxes);
createAll(ErrorSummary);
createAll(CharacterCount);
createAll(Accordion);

// `#step-3` or `#find-out-about-fees` opens that accordion step, also where the browser
// has no `hidden=until-found` (which the accordion handles itself through beforematch).
function openTargetedStep(): void {
  const id = decodeURIComponent(location.hash.slice(1));
  if (!id) return;
  const target = document.getElementById(id);
  const section = target?.closest('.govuk-accordion__section');
  if (!target || !section) return;
  if (!section.classList.contains('govuk-accordion__section--expanded')) {
    section.querySelector<HTMLButtonElement>('.govuk-accordion__section-header button')?.click();
  }
  target.scrollIntoView();
}
openTargetedStep();
window.addEventListener('hashchange', openTargetedStep);
