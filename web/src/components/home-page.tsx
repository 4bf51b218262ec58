import { SubmitForm } from './submit-form.js';
import { ProjectList } from './project-list.js';

export function HomePage() {
  return (
    <>
      <h1 class="page-title">Projects</h1>
      <div class="home">
        <SubmitForm />
        <ProjectList />
      </div>
    </>
  );
}
