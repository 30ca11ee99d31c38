// Every lockdown rule, registered by importing its file.
import './tab-switch.ts';
