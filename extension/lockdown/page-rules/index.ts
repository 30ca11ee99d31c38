// Every lockdown rule enforced inside the quiz page, registered by importing its file.
import './page-visibility.ts';
import './clipboard.ts';
import './printing.ts';
import './context-menu.ts';
import './drag-out.ts';
import './shortcuts.ts';
