import { describeKnownAnswerFamily } from '../support/knownAnswerSuite';

// The Dream layout (DiffuCoder's folder): shifted.
describeKnownAnswerFamily('DiffuCoder-7B-Instruct');
