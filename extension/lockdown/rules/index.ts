// Every background lockdown rule, registered by importing its file. Rules enforced inside the quiz page live in
// ../page-rules/.
import './tab-switch.ts';
import './new-tabs.ts';
import './navigation.ts';
import './fullscreen.ts';
import './multiple-monitors.ts';
import './other-extensions.ts';
import './devtools.ts';
