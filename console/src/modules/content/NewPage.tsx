import { KINDS } from './kinds';
import { NewContent } from './NewContent';

export default function NewPage() {
  return <NewContent info={KINDS.page} />;
}
