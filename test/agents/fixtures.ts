/** Requests the agent tests share. */

/** 10 entities, 10 pages, 3 integrations and real-time updates: a large request. */
export const LARGE_REQUEST = [
  '# Clinic Suite',
  '',
  'A web platform for a network of clinics.',
  '',
  '## Entities',
  ...['Patient', 'Doctor', 'Appointment', 'Prescription', 'Invoice', 'Payment', 'Clinic', 'Room', 'Message', 'Document'].map((name) => `- ${name}: name, notes`),
  '',
  '## Pages',
  ...['Login', 'Dashboard', 'Calendar', 'Patients', 'Patient Detail', 'Doctors', 'Invoices', 'Messages', 'Reports', 'Settings'].map((page) => `- ${page}`),
  '',
  '## Requirements',
  '- Payments through Stripe, reminders by Twilio SMS, emails through SendGrid',
  '- Real-time updates of the calendar',
].join('\n');
