// Sends the Deep Linking response back to the LMS at once; the form's button does the same without script.
const form = document.getElementById('deep-link-return') as HTMLFormElement | null;
form?.submit();
