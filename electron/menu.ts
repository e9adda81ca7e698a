import { Menu, shell, type MenuItemConstructorOptions } from 'electron';

/** The application menu: standard roles only, plus a help link that opens in the system browser. */
export function buildMenu(isMac: boolean): Menu {
  const template: MenuItemConstructorOptions[] = [
    ...(isMac ? [{ role: 'appMenu' as const }] : []),
    { role: 'fileMenu' },
    { role: 'editMenu' },
    {
      label: 'View',
      submenu: [{ role: 'reload' }, { role: 'toggleDevTools' }, { type: 'separator' }, { role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' }, { type: 'separator' }, { role: 'togglefullscreen' }],
    },
    { role: 'windowMenu' },
    {
      role: 'help',
      submenu: [{ label: 'About the licences of the samples', click: () => void shell.openExternal('https://creativecommons.org/licenses/by/4.0/') }],
    },
  ];
  return Menu.buildFromTemplate(template);
}
