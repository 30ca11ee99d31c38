// The session page: a chosen CSV file is read into the import box, so the form stays a plain form post.
import { byId } from './page-data.ts';

const file = byId<HTMLInputElement>('csv-file');
const box = byId<HTMLTextAreaElement>('csv');
file.addEventListener('change', () => {
  const chosen = file.files?.[0];
  if (chosen) void chosen.text().then((text) => { box.value = text; });
});
