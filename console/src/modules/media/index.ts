import { defineConsoleModule } from '../../app/module';
import { mediaRoute } from './routes';

/** The media library: upload with progress, browse thumbnails, edit, delete and restore (docs/console.md, "Content"). */
export const mediaModule = defineConsoleModule({
  name: 'media',
  label: 'Content',
  nav: [{ label: 'Media', to: 'media', scope: 'site', permission: 'media.read' }],
  siteRoutes: [mediaRoute],
});
