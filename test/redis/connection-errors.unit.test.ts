import { expect } from 'chai';
import { isConnectionError, isRedisUnavailable } from '../../src/redis/connection.js';

describe('redis: which errors mean "Redis is unreachable"', () => {
  it('counts the Sentinel and Cluster forms of an outage and of a failover under way', () => {
    for (const message of [
      'All sentinels are unreachable. Retrying from scratch after 200ms.',
      'Failed to refresh slots cache.',
      "READONLY You can't write against a read only replica.",
      'CLUSTERDOWN The cluster is down',
      "Stream isn't writeable and enableOfflineQueue options is false",
    ]) {
      expect(isRedisUnavailable(new Error(message)), message).to.equal(true);
      expect(isConnectionError(new Error(message)), message).to.equal(true);
    }
  });

  it('leaves command errors alone', () => {
    expect(isRedisUnavailable(new Error('ERR wrong number of arguments for command'))).to.equal(false);
    expect(isRedisUnavailable(new Error("CROSSSLOT Keys in request don't hash to the same slot"))).to.equal(false);
  });
});
