// Progressive enhancement only: every journey works without this file.
import {
  Accordion,
  CharacterCount,
  Checkboxes,
  ErrorSummary,
  Radios,
  ServiceNavigation,
  SkipLink,
  createAll,
} from 'govuk-frontend';

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

// The finder's "Show filters" button on small screens (the stylesheet folds the filters there).
for (const button of document.querySelectorAll<HTMLButtonElement>('.app-filters-toggle')) {
  const panel = document.getElementById(button.getAttribute('aria-controls') ?? '');
  if (!panel) continue;
  const applied = / \(\d+ applied\)$/.exec(button.textContent ?? '')?.[0] ?? '';
  button.addEventListener('click', () => {
    const open = !panel.classList.contains('app-filters--open');
    panel.classList.toggle('app-filters--open', open);
    button.setAttribute('aria-expanded', String(open));
    button.textContent = (open ? 'Hide filters' : 'Show filters') + applied;
    if (open) panel.querySelector<HTMLElement>('h2')?.scrollIntoView({ block: 'nearest' });
  });
}

// "You're about to be signed out": 5 minutes before the idle timeout, offer to stay signed in.
function timeoutWarning(): void {
  const dialog = document.getElementById('app-timeout-warning') as HTMLDialogElement | null;
  const minutes = Number(dialog?.dataset['timeoutMinutes']);
  if (!dialog || !Number.isFinite(minutes) || minutes < 6 || typeof dialog.showModal !== 'function') return;
  let warn: number;
  let end: number;
  const schedule = () => {
    window.clearTimeout(warn);
    window.clearTimeout(end);
    warn = window.setTimeout(() => dialog.showModal(), (minutes - 5) * 60_000);
    // Signing out is a POST with the CSRF token, like the button: a link could not sign anyone out.
    end = window.setTimeout(
      () => dialog.querySelector<HTMLFormElement>('.app-timeout-sign-out')?.submit(),
      minutes * 60_000,
    );
  };
  dialog.querySelector('.app-timeout-stay')?.addEventListener('click', () => {
    // Any request to the service extends the session.
    void fetch('/session/keep-alive', { credentials: 'same-origin' }).then(() => {
      dialog.close();
      schedule();
    });
  });
  schedule();
}
timeoutWarning();
