// Dynamic Registration finished: tell the LMS's registration window to close (the LTI "close" message).
(window.opener as Window | null ?? window.parent).postMessage({ subject: 'org.imsglobal.lti.close' }, '*');
